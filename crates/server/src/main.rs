//! The `orgdesk-server` binary: flags (each also an environment variable), logging, and a
//! graceful stop on SIGTERM or Ctrl-C; and the operator's commands (`grant-credits`,
//! `set-plan`), which open the same database and exit.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use orgdesk_model::Plan;
use orgdesk_server::access::AllowedHosts;
use orgdesk_server::billing::format_credits;
use orgdesk_server::config::{
    parse_duration, AccountLimits, ConnectionLimits, ExportConfig, MailConfig, PaymentsConfig,
    PeriodicConfig, SessionLifetimes, DEFAULT_API_KEY_RATE_LIMIT,
};
use orgdesk_server::operator::{self, OperatorError};
use orgdesk_server::stripe::StripeConfig;
use orgdesk_server::webhooks::WebhookConfig;
use orgdesk_server::Config;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// How the server takes payment (`--payments`).
#[derive(Debug, Clone, Copy, ValueEnum)]
enum PaymentsFlag {
    /// No payments: owners cannot top up or pick a paid plan; the operator grants credits
    /// and sets plans (`grant-credits`, `set-plan`).
    None,
    /// Top-ups and plans recorded, not charged (what the desktop app's built-in server
    /// does; for a server only you use).
    Local,
    /// Cards through Stripe: credit packs charged to the org's saved card, paid plans as
    /// subscriptions (needs the `--stripe-…` keys).
    Stripe,
}

/// The Orgdesk organization service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, env = "ORGDESK_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Data folder (the SQLite file lives here). Default: the platform's data folder.
    #[arg(long, env = "ORGDESK_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL: `postgres://…` for PostgreSQL. Default: SQLite in the data folder.
    #[arg(
        long = "database",
        env = "ORGDESK_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    database: Option<String>,
    /// How top-ups and paid plans are paid for: `none` (owners cannot buy; the operator
    /// grants credits and sets plans) or `local` (recorded, not charged).
    #[arg(long, env = "ORGDESK_PAYMENTS", value_enum, default_value_t = PaymentsFlag::None)]
    payments: PaymentsFlag,
    /// `--payments stripe`: the secret API key (`sk_…`).
    #[arg(long, env = "ORGDESK_STRIPE_SECRET_KEY", hide_env_values = true)]
    stripe_secret_key: Option<String>,
    /// `--payments stripe`: the webhook endpoint's signing secret (`whsec_…`) of
    /// `POST /v1/payments/stripe/webhook`.
    #[arg(long, env = "ORGDESK_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    stripe_webhook_secret: Option<String>,
    /// `--payments stripe`: the publishable key (`pk_…`) the card page hands to Stripe.js.
    #[arg(long, env = "ORGDESK_STRIPE_PUBLISHABLE_KEY")]
    stripe_publishable_key: Option<String>,
    /// `--payments stripe`: Stripe's API (a stand-in such as localstripe in tests).
    #[arg(long, env = "ORGDESK_STRIPE_API_BASE", default_value = orgdesk_server::stripe::DEFAULT_API_BASE)]
    stripe_api_base: String,
    /// The address people reach this server at, for links it hands out (the card page).
    /// Default: http://<listen address>.
    #[arg(long, env = "ORGDESK_PUBLIC_URL")]
    public_url: Option<String>,
    /// The DNS resolver that verifies org domains' TXT records (`ip:port`). Default: the
    /// system's (/etc/resolv.conf).
    #[arg(long, env = "ORGDESK_DNS_RESOLVER")]
    dns_resolver: Option<std::net::SocketAddr>,
    /// Accept plain http:// webhook endpoints (tests and local setups only).
    #[arg(long, env = "ORGDESK_ALLOW_INSECURE_WEBHOOKS")]
    allow_insecure_webhooks: bool,
    /// Send webhooks to hosts that resolve to loopback, private, link-local or other
    /// internal addresses (local setups only: it lets org admins reach your network).
    #[arg(long, env = "ORGDESK_ALLOW_PRIVATE_WEBHOOKS")]
    allow_private_webhooks: bool,
    /// Accept http:// OpenID issuers, and issuers on loopback, private or other internal
    /// addresses (tests and local setups only).
    #[arg(long, env = "ORGDESK_ALLOW_INSECURE_SSO")]
    allow_insecure_sso: bool,
    /// This instance sends no webhooks (other instances of the database do, or they wait).
    #[arg(long, env = "ORGDESK_NO_WEBHOOK_DELIVERY")]
    no_webhook_delivery: bool,
    /// This instance runs no periodic jobs (retention purges; other instances of the
    /// database do).
    #[arg(long, env = "ORGDESK_NO_PERIODIC_JOBS")]
    no_periodic_jobs: bool,
    /// Minutes between two runs of the periodic jobs.
    #[arg(long, env = "ORGDESK_PERIODIC_MINUTES", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=1440))]
    periodic_minutes: u64,
    /// This instance writes no org exports (other instances of the database do, or they
    /// wait).
    #[arg(long, env = "ORGDESK_NO_EXPORT_WORK")]
    no_export_work: bool,
    /// Seed a demo agency (demo@orgdesk.dev / orgdesk-demo-2026) with client orgs.
    #[arg(long, env = "ORGDESK_DEMO")]
    demo: bool,
    /// SMTP server for outgoing mail: smtp://user:pass@host:587 (STARTTLS when offered;
    /// `?tls=required` insists) or smtps://user:pass@host:465. Default: write each message
    /// as an .eml file to <data-dir>/mail/.
    #[arg(long, env = "ORGDESK_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The From of outgoing mail.
    #[arg(long, env = "ORGDESK_MAIL_FROM", default_value = orgdesk_server::config::DEFAULT_MAIL_FROM)]
    mail_from: String,
    /// Trust X-Forwarded-For for the client address (only behind your own reverse proxy).
    #[arg(long, env = "ORGDESK_TRUST_PROXY")]
    trust_proxy: bool,
    /// Seconds a client has to send a request's head (request line and headers), on a new
    /// connection or between requests on a kept-alive one; then the connection is closed.
    #[arg(long, env = "ORGDESK_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds within which a request's body must arrive and its answer start; then 408.
    #[arg(long, env = "ORGDESK_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Connections one client address may hold open at once (0: no limit). Not applied
    /// with --trust-proxy: let the proxy limit its clients.
    #[arg(long, env = "ORGDESK_MAX_CONNECTIONS_PER_IP", default_value_t = 256)]
    max_connections_per_ip: usize,
    /// Sign-ups allowed from one client address a day (raise it for an office that signs
    /// many people up from one address).
    #[arg(long, env = "ORGDESK_SIGNUPS_PER_IP_PER_DAY", default_value_t = AccountLimits::default().signups_per_ip)]
    signups_per_ip_per_day: u32,
    /// Requests one API key may make a minute, whichever instance it reaches (0: no
    /// limit); past it, 429 with Retry-After.
    #[arg(long, env = "ORGDESK_API_KEY_RATE_LIMIT", default_value_t = DEFAULT_API_KEY_RATE_LIMIT)]
    api_key_rate_limit: u32,
    /// A Host name the server answers (`name` for any port, or `name:port`); repeat for
    /// more. Requests naming any other host are refused (403), against DNS rebinding.
    /// Default: every name.
    #[arg(
        long = "allowed-host",
        env = "ORGDESK_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,
    /// End a session after this long without a request (`90m`, `12h`, `14d`); an org's
    /// security policy may shorten it for its members.
    #[arg(long, env = "ORGDESK_SESSION_IDLE_TIMEOUT", default_value = "14d", value_parser = parse_duration)]
    session_idle_timeout: Duration,
    /// End a session this long after sign-in, used or not.
    #[arg(long, env = "ORGDESK_SESSION_MAX_AGE", default_value = "30d", value_parser = parse_duration)]
    session_max_age: Duration,
    /// The key file that seals two-factor secrets (32 bytes, base64; made on first start
    /// when missing). Servers sharing one database must share it. Default:
    /// `<data dir>/secret.key`.
    #[arg(long, env = "ORGDESK_SECRET_KEY_FILE")]
    secret_key_file: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "ORGDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// What the server's operator does, on the database the flags name, before exiting.
#[derive(Debug, Subcommand)]
enum Command {
    /// Add credits to an organization's balance (a `grant` ledger entry, audited as the
    /// server operator).
    GrantCredits {
        /// The organization's slug (a former slug or its id work too).
        #[arg(long)]
        org: String,
        /// How many credits (at least 1).
        #[arg(long)]
        credits: i64,
        /// What the grant is for: an invoice number, a ticket (at most 200 characters).
        #[arg(long)]
        reference: String,
    },
    /// Put an organization on a plan (refused while usage is over its limits; audited as
    /// the server operator).
    SetPlan {
        /// The organization's slug (a former slug or its id work too).
        #[arg(long)]
        org: String,
        /// free, team or business.
        #[arg(long, value_parser = parse_plan)]
        plan: Plan,
    },
}

fn parse_plan(text: &str) -> Result<Plan, String> {
    Plan::parse(&text.trim().to_ascii_lowercase())
        .ok_or_else(|| format!("{text:?} is not a plan: use free, team or business"))
}

/// Runs an operator's command: what was done on stdout (exit 0); a refusal (unknown org,
/// bounds, limits) on stderr with exit code 2; any other failure with 1.
#[allow(clippy::print_stdout)] // the command's report is its output
async fn run_command(command: Command, config: &Config) -> ExitCode {
    let db = match orgdesk_server::serve::open_database(config).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("orgdesk-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    let done = match command {
        Command::GrantCredits {
            org,
            credits,
            reference,
        } => operator::grant_credits(&db, &org, credits, &reference)
            .await
            .map(|granted| {
                format!(
                    "Granted {} credits to {org} (reference {:?}): the balance is {} credits \
                     (ledger entry {}).",
                    format_credits(credits),
                    reference.trim(),
                    format_credits(granted.entry.balance_after),
                    granted.entry.id,
                )
            }),
        Command::SetPlan { org, plan } => operator::set_plan(&db, &org, plan).await.map(|set| {
            if set.old == set.new {
                format!(
                    "{org} is on the {} plan already: nothing changed.",
                    set.new.as_str()
                )
            } else {
                format!(
                    "{org} moved from the {} plan to the {} plan.",
                    set.old.as_str(),
                    set.new.as_str()
                )
            }
        }),
    };
    db.close().await;
    match done {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("orgdesk-server: {error}");
            exit_code(&error)
        }
    }
}

fn exit_code(error: &OperatorError) -> ExitCode {
    if error.is_refusal() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

fn init_logging(format: LogFormat) {
    // ORGDESK_LOG, else RUST_LOG, else info (sqlx statements only when slow).
    let filter = EnvFilter::try_from_env("ORGDESK_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
}

async fn stop_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: stopping"),
        () = terminate => tracing::info!("SIGTERM: stopping"),
    }
}

fn allowed_hosts(names: Vec<String>) -> AllowedHosts {
    let names: Vec<String> = names
        .into_iter()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        AllowedHosts::Any
    } else {
        AllowedHosts::Only(names)
    }
}

/// The payment mode and, for `stripe`, its keys (each required).
fn payments_config(cli: &Cli) -> Result<PaymentsConfig, String> {
    Ok(match cli.payments {
        PaymentsFlag::None => PaymentsConfig::None,
        PaymentsFlag::Local => PaymentsConfig::Local,
        PaymentsFlag::Stripe => {
            let required = |value: &Option<String>, flag: &str| {
                value
                    .as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("--payments stripe needs --{flag}"))
            };
            PaymentsConfig::Stripe(StripeConfig {
                secret_key: required(&cli.stripe_secret_key, "stripe-secret-key")?,
                webhook_secret: required(&cli.stripe_webhook_secret, "stripe-webhook-secret")?,
                publishable_key: required(&cli.stripe_publishable_key, "stripe-publishable-key")?,
                api_base: cli.stripe_api_base.clone(),
            })
        }
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let payments = match payments_config(&cli) {
        Ok(payments) => payments,
        Err(message) => {
            eprintln!("orgdesk-server: {message}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        listen: cli.listen,
        data_dir: cli.data_dir.unwrap_or_else(Config::default_data_dir),
        database_url: cli.database,
        demo: cli.demo,
        mail: MailConfig {
            smtp_url: cli.smtp_url.filter(|url| !url.trim().is_empty()),
            from: cli.mail_from,
        },
        trust_proxy: cli.trust_proxy,
        payments,
        connections: ConnectionLimits {
            header_read_timeout: Duration::from_secs(cli.header_timeout),
            request_timeout: Duration::from_secs(cli.request_timeout),
            max_per_ip: (cli.max_connections_per_ip > 0).then_some(cli.max_connections_per_ip),
        },
        account_limits: AccountLimits {
            signups_per_ip: cli.signups_per_ip_per_day,
            ..AccountLimits::default()
        },
        allowed_hosts: allowed_hosts(cli.allowed_hosts),
        app_secret: None,
        sessions: SessionLifetimes {
            idle_timeout: cli.session_idle_timeout,
            max_age: cli.session_max_age,
        },
        api_key_rate_limit: (cli.api_key_rate_limit > 0).then_some(cli.api_key_rate_limit),
        secret_key_file: cli.secret_key_file,
        trust_signup_email: false,
        public_url: cli.public_url,
        dns_resolver: cli.dns_resolver,
        webhooks: WebhookConfig {
            allow_insecure: cli.allow_insecure_webhooks,
            allow_private: cli.allow_private_webhooks,
            deliver: !cli.no_webhook_delivery,
            ..WebhookConfig::default()
        },
        allow_insecure_sso: cli.allow_insecure_sso,
        periodic: PeriodicConfig {
            run: !cli.no_periodic_jobs,
            interval: Duration::from_secs(cli.periodic_minutes * 60),
        },
        exports: ExportConfig {
            work: !cli.no_export_work,
            ..ExportConfig::default()
        },
    };
    if let Some(command) = cli.command {
        return run_command(command, &config).await;
    }
    init_logging(cli.log_format);
    tracing::info!(?config, mode = config.payments.mode().as_str(), "starting");
    let server = match orgdesk_server::spawn(config).await {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(url = %server.base_url(), "ready");
    stop_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}
