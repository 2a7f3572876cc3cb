//! How a server instance is configured, by the binary's flags or by the embedding app.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::access::{AllowedHosts, AppSecret};
pub use crate::outbound::WebhookConfig;
use crate::payments::PaymentProvider;
pub use crate::payments::PaymentsConfig;

/// The SQLite file's name inside the data folder.
pub const SQLITE_FILE: &str = "orgdesk.db";

#[derive(Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (see [`crate::RunningServer::addr`]).
    pub listen: SocketAddr,
    /// The data folder: the SQLite file lives here unless `database_url` says otherwise.
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL, `sqlite:…` for another SQLite file; `None` means the
    /// SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Seed the demo agency (idempotent).
    pub demo: bool,
    /// Outgoing mail (invitations): SMTP when configured, else `.eml` files in the data folder.
    pub mail: MailConfig,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy) instead
    /// of the TCP peer, for the audit log.
    pub trust_proxy: bool,
    /// How top-ups and paid plans are paid for.
    pub payments: PaymentsConfig,
    /// The `Host` names answered; any other gets 403 before routing (against DNS
    /// rebinding). Every name unless configured.
    pub allowed_hosts: AllowedHosts,
    /// When set, every request must carry it in
    /// [`orgdesk_model::built_in::APP_SECRET_HEADER`], or gets 403 before routing.
    pub app_secret: Option<AppSecret>,
    /// How long a client may take, and how many connections one address may hold.
    pub connections: ConnectionLimits,
    /// How many sign-ups, reset mails and verification mails a day the server allows.
    pub account_limits: AccountLimits,
    /// How long sessions live.
    pub sessions: SessionLifetimes,
    /// Requests one API key may make a minute, counted in the database (every instance
    /// sharing it counts the same); past it, 429 `rate_limited` with `Retry-After`.
    /// `None`: no limit.
    pub api_key_rate_limit: Option<u32>,
    /// The key that seals two-factor secrets ([`crate::sealing`]); `None`: `secret.key` in
    /// the data folder, made on first start.
    pub secret_key_file: Option<PathBuf>,
    /// Whether a new account's email counts as proven at sign-up. Only the desktop app's
    /// built-in server does this: it answers one machine's app alone, and its mail lands
    /// in files nobody reads, so a link could never prove anything there.
    pub trust_signup_email: bool,
    /// The address people reach this server at, for links it hands out (the card page);
    /// `None`: `http://<the bound address>`.
    pub public_url: Option<String>,
    /// Which webhook endpoints are allowed (`https://` and public hosts unless opened).
    pub webhooks: WebhookConfig,
    /// The DNS resolver that verifies org domains (`--dns-resolver`); `None`: the
    /// system's.
    pub dns_resolver: Option<SocketAddr>,
    /// Accept `http://` OpenID issuers and issuers on loopback, private and other inner
    /// addresses (`--allow-insecure-sso`: tests and the desktop app's built-in server; see
    /// `crate::sso::provider`).
    pub allow_insecure_sso: bool,
    /// The periodic task ([`crate::periodic`]): retention purges and other upkeep.
    pub periodic: PeriodicConfig,
    /// Whether this instance writes org exports, and how long it holds one it took.
    pub exports: ExportConfig,
}

/// Whether this instance runs the periodic task, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodicConfig {
    /// `--no-periodic-jobs` turns it off (other instances of the database run it).
    pub run: bool,
    pub interval: Duration,
}

impl Default for PeriodicConfig {
    fn default() -> Self {
        Self {
            run: true,
            interval: Duration::from_secs(10 * 60),
        }
    }
}

/// The export worker of an instance (see `crate::exports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportConfig {
    /// This instance writes queued exports (off: other instances of the database do, or
    /// they wait).
    pub work: bool,
    /// How long an export an instance took stays its own without a sign of life (the
    /// instance renews it with every chunk it writes); past it, any instance restarts it.
    pub lease: Duration,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            work: true,
            lease: Duration::from_secs(120),
        }
    }
}

/// What keeps slow or idle clients from holding the server (see [`crate::connections`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head (request line and headers) must arrive within this, from the
    /// moment the server waits for it: on a new connection and between requests on a
    /// kept-alive one. Otherwise the connection is closed.
    pub header_read_timeout: Duration,
    /// A request's body must arrive, and its answer start, within this: otherwise 408
    /// `request_timeout` and the connection is closed.
    pub request_timeout: Duration,
    /// Connections one client address may hold open at once; more are closed as they
    /// are accepted. `None`: no limit. Not applied with `trust_proxy` (every connection
    /// then comes from the proxy, which should limit its clients itself).
    pub max_per_ip: Option<usize>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_per_ip: Some(256),
        }
    }
}

/// `--api-key-rate-limit`'s default: requests one API key may make a minute.
pub const DEFAULT_API_KEY_RATE_LIMIT: u32 = 600;

/// How long a session lives: it ends after `idle_timeout` without a request (an org's
/// security policy may shorten that for its members) and `max_age` after sign-in at the
/// latest, whatever happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetimes {
    pub idle_timeout: Duration,
    pub max_age: Duration,
}

/// `--session-idle-timeout`'s default: 14 days.
pub const DEFAULT_SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(14 * 24 * 3600);
/// `--session-max-age`'s default: 30 days.
pub const DEFAULT_SESSION_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

impl Default for SessionLifetimes {
    fn default() -> Self {
        Self {
            idle_timeout: DEFAULT_SESSION_IDLE_TIMEOUT,
            max_age: DEFAULT_SESSION_MAX_AGE,
        }
    }
}

/// Daily limits on account mail and sign-ups, counted in the database (so every instance
/// sharing it counts the same): past one, the route answers 429 `rate_limited` with
/// `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    /// Sign-ups from one client address a day (an office behind one address may need more).
    pub signups_per_ip: u32,
    /// Password-reset requests from one client address a day.
    pub resets_per_ip: u32,
    /// Password-reset mails to one address a day (whether or not an account has it).
    pub resets_per_email: u32,
    /// Verification mails an account may ask to be sent again, a day.
    pub verification_resends_per_user: u32,
    /// Changes of email an account may start (each mails the new address), a day.
    pub email_changes_per_user: u32,
}

impl Default for AccountLimits {
    fn default() -> Self {
        Self {
            signups_per_ip: 30,
            resets_per_ip: 30,
            resets_per_email: 5,
            verification_resends_per_user: 5,
            email_changes_per_user: 5,
        }
    }
}

impl SessionLifetimes {
    pub fn idle_timeout_ms(&self) -> i64 {
        i64::try_from(self.idle_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    pub fn max_age_ms(&self) -> i64 {
        i64::try_from(self.max_age.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Reads a duration flag: a whole number and a unit, `s`, `m`, `h` or `d` (`90m`, `14d`),
/// at least one minute.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?}: add a unit (s, m, h or d), e.g. 14d"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?}: start with a whole number, e.g. 14d"))?;
    let seconds = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("{other:?} is not a unit: use s, m, h or d")),
    };
    let duration = Duration::from_secs(number.saturating_mul(seconds));
    if duration < Duration::from_secs(60) {
        return Err(format!("{text:?}: use at least one minute"));
    }
    Ok(duration)
}

/// Where outgoing mail goes.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://user:pass@host:587` (STARTTLS when offered; add `?tls=required` to insist)
    /// or `smtps://user:pass@host:465`. `None`: each message is written as an `.eml` file
    /// to `<data dir>/mail/`.
    pub smtp_url: Option<String>,
    /// The `From` of every message, e.g. `Orgdesk <no-reply@example.com>`.
    pub from: String,
}

/// The default sender: a name and an address of the reserved `.invalid` domain.
pub const DEFAULT_MAIL_FROM: &str = "Orgdesk <no-reply@orgdesk.invalid>";
/// The folder inside the data folder that receives `.eml` files when no SMTP is configured.
pub const MAIL_DIR: &str = "mail";

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: DEFAULT_MAIL_FROM.to_owned(),
        }
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url.as_deref().map(redacted))
            .field("from", &self.from)
            .finish()
    }
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Config {
    /// A loopback server on a free port with SQLite in `data_dir`, top-ups recorded and
    /// not charged (`local` payments): what the desktop app embeds when no server is
    /// configured.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            database_url: None,
            demo: false,
            mail: MailConfig::default(),
            trust_proxy: false,
            payments: PaymentsConfig::Local,
            connections: ConnectionLimits::default(),
            account_limits: AccountLimits::default(),
            sessions: SessionLifetimes::default(),
            api_key_rate_limit: Some(DEFAULT_API_KEY_RATE_LIMIT),
            allowed_hosts: AllowedHosts::Any,
            app_secret: None,
            secret_key_file: None,
            trust_signup_email: false,
            public_url: None,
            dns_resolver: None,
            webhooks: WebhookConfig::default(),
            allow_insecure_sso: false,
            periodic: PeriodicConfig::default(),
            exports: ExportConfig::default(),
        }
    }

    /// The desktop app's built-in server: [`Config::local`] answering only requests for
    /// `127.0.0.1:<port>` or `localhost:<port>` that carry `secret`, which the app made
    /// for this launch and keeps in its process. Sign-ups count as verified there (see
    /// [`Config::trust_signup_email`]).
    pub fn built_in(data_dir: impl Into<PathBuf>, secret: AppSecret) -> Self {
        Self {
            allowed_hosts: AllowedHosts::Loopback,
            app_secret: Some(secret),
            trust_signup_email: true,
            // One person's own machine: their webhooks may reach their own services.
            webhooks: WebhookConfig::open(),
            allow_insecure_sso: true,
            ..Self::local(data_dir)
        }
    }

    /// The same configuration with top-ups paid through `provider`.
    #[must_use]
    pub fn with_payments(mut self, provider: Arc<dyn PaymentProvider>) -> Self {
        self.payments = PaymentsConfig::Provider(provider);
        self
    }

    /// Where `.eml` files go when no SMTP server is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join(MAIL_DIR)
    }

    /// The sealing key's file in force: the configured one, or `secret.key` in the data
    /// folder.
    pub fn resolved_secret_key_file(&self) -> PathBuf {
        self.secret_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join(crate::sealing::KEY_FILE))
    }

    /// The database URL in force: the configured one, or the SQLite file in the data folder.
    pub fn resolved_database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => sqlite_url(&self.data_dir.join(SQLITE_FILE)),
        }
    }

    /// The platform's data folder for Orgdesk (`$XDG_DATA_HOME/orgdesk` on Linux), or
    /// `./orgdesk-data` where the platform has none.
    pub fn default_data_dir() -> PathBuf {
        directories::ProjectDirs::from("dev", "Orgdesk", "orgdesk")
            .map(|dirs| dirs.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from("orgdesk-data"))
    }
}

impl Backend {
    /// `None` for a scheme we do not serve.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// A `sqlite://` URL for a file, created when missing. The path is percent-encoded, so
/// folders such as "Application Support" work.
pub fn sqlite_url(path: &Path) -> String {
    let mut encoded = String::new();
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                encoded.push(char::from(byte));
            }
            b'\\' => encoded.push('/'),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
}

/// Hides a database password from logs and panics.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_deref().map(redacted))
            .field("demo", &self.demo)
            .field("mail", &self.mail)
            .field("trust_proxy", &self.trust_proxy)
            .field("payments", &self.payments)
            .field("account_limits", &self.account_limits)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("app_secret", &self.app_secret)
            .field("sessions", &self.sessions)
            .field("api_key_rate_limit", &self.api_key_rate_limit)
            .field("secret_key_file", &self.secret_key_file)
            .field("trust_signup_email", &self.trust_signup_email)
            .field("dns_resolver", &self.dns_resolver)
            .field("periodic", &self.periodic)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_database_is_the_sqlite_file_in_the_data_dir() {
        let config = Config::local("/tmp/Application Support/orgdesk");
        assert_eq!(
            config.resolved_database_url(),
            "sqlite:///tmp/Application%20Support/orgdesk/orgdesk.db?mode=rwc"
        );
        assert_eq!(
            Backend::of_url(&config.resolved_database_url()),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
    }

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(parse_duration("14d"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration(" 90m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        for bad in ["14", "d", "-1d", "1.5h", "3w", "59s", ""] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let mut config = Config::local("/tmp/x");
        config.database_url = Some("postgres://app:s3cret@db.example/orgdesk".into());
        config.mail.smtp_url = Some("smtps://mailer:s3cret@smtp.example".into());
        let shown = format!("{config:?}");
        assert!(shown.contains("smtp.example"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
