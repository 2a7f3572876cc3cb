//! Wiring: builds every service over what the host provides, each holding only the others
//! it needs. Nothing imports this module back; the desktop shell hands each service to the
//! commands that use it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::account::Account;
use crate::account_mail::AccountMail;
use crate::alerts::Alerts;
use crate::api_keys::ApiKeys;
use crate::appearance::Appearance;
use crate::audit::Audit;
use crate::billing::Billing;
use crate::connectivity::Connectivity;
use crate::exports::Exports;
use crate::host::{Browser, BuiltInServer, Notifier, SaveDialog, Spawner, UiEvents};
use crate::invitations::Invitations;
use crate::logo::Logos;
use crate::loopback::Waiting;
use crate::members::Members;
use crate::org_exports::OrgExports;
use crate::org_sso::OrgSso;
use crate::orgs::Orgs;
use crate::outbox::Outbox;
use crate::payments::Payments;
use crate::portfolio::Portfolio;
use crate::prefs::{PrefStore, Prefs};
use crate::projects::Projects;
use crate::reads::Reads;
use crate::retention::Retention;
use crate::secrets::SecretStore;
use crate::security::OrgSecurity;
use crate::session::{SessionParts, SessionService};
use crate::sessions::Sessions;
use crate::signed_in::SignedIn;
use crate::sso_sign_in::SsoSignIn;
use crate::staleness::Staleness;
use crate::tray::TrayContexts;
use crate::two_factor::TwoFactor;
use crate::webhooks::Webhooks;

/// What the program running the core provides.
pub struct Host {
    /// The app data folder: local stores live under it.
    pub data_dir: PathBuf,
    pub spawner: Arc<dyn Spawner>,
    pub notifier: Arc<dyn Notifier>,
    pub ui: Arc<dyn UiEvents>,
    pub keychain: Arc<dyn SecretStore>,
    pub prefs: Arc<dyn PrefStore>,
    pub server: Arc<dyn BuiltInServer>,
    /// Where exports ask the user for a file.
    pub dialog: Arc<dyn SaveDialog>,
    /// Where single sign-on happens.
    pub browser: Arc<dyn Browser>,
}

/// Every service, built once.
pub struct Services {
    pub session: Arc<SessionService>,
    pub connectivity: Arc<Connectivity>,
    pub reads: Arc<Reads>,
    pub outbox: Arc<Outbox>,
    pub orgs: Arc<Orgs>,
    pub logos: Arc<Logos>,
    pub projects: Arc<Projects>,
    pub members: Arc<Members>,
    pub invitations: Arc<Invitations>,
    pub billing: Arc<Billing>,
    pub payments: Arc<Payments>,
    pub portfolio: Arc<Portfolio>,
    pub exports: Arc<Exports>,
    pub audit: Arc<Audit>,
    pub api_keys: Arc<ApiKeys>,
    pub alerts: Arc<Alerts>,
    pub account: Arc<Account>,
    pub sessions: Arc<Sessions>,
    pub two_factor: Arc<TwoFactor>,
    pub security: Arc<OrgSecurity>,
    pub account_mail: Arc<AccountMail>,
    pub webhooks: Arc<Webhooks>,
    pub org_exports: Arc<OrgExports>,
    pub retention: Arc<Retention>,
    pub org_sso: Arc<OrgSso>,
    pub sso_sign_in: Arc<SsoSignIn>,
    pub tray: Arc<TrayContexts>,
    pub appearance: Arc<Appearance>,
    spawner: Arc<dyn Spawner>,
}

impl Services {
    pub fn new(host: Host) -> Self {
        let Host {
            data_dir,
            spawner,
            notifier,
            ui,
            keychain,
            prefs,
            server,
            dialog,
            browser,
        } = host;
        let prefs = Prefs::new(prefs);
        let signed_in = Arc::new(SignedIn::default());
        let stale = Arc::new(Staleness::default());
        let connectivity = Arc::new(Connectivity::new(signed_in.clone(), spawner.clone()));
        let reads = Arc::new(Reads::new(
            signed_in.clone(),
            connectivity.clone(),
            stale.clone(),
            ui.clone(),
            spawner.clone(),
        ));
        let outbox = Arc::new(Outbox::new(
            signed_in.clone(),
            connectivity.clone(),
            stale.clone(),
            ui,
            spawner.clone(),
        ));
        let alerts = Arc::new(Alerts::new(
            signed_in.clone(),
            prefs.clone(),
            notifier,
            spawner.clone(),
        ));
        let exports = Arc::new(Exports::new(
            signed_in.clone(),
            connectivity.clone(),
            spawner.clone(),
            dialog.clone(),
        ));
        let payments = Arc::new(Payments::new(
            reads.clone(),
            outbox.clone(),
            spawner.clone(),
        ));
        let org_exports = Arc::new(OrgExports::new(
            reads.clone(),
            signed_in.clone(),
            dialog.clone(),
        ));
        let two_factor = Arc::new(TwoFactor::new(reads.clone(), signed_in.clone(), dialog));
        let logos = Arc::new(Logos::new(
            signed_in.clone(),
            connectivity.clone(),
            reads.clone(),
        ));
        let account_mail = Arc::new(AccountMail::new(
            signed_in.clone(),
            reads.clone(),
            prefs.clone(),
            server.clone(),
        ));
        let portfolio = Arc::new(Portfolio::new(
            reads.clone(),
            outbox.clone(),
            signed_in.clone(),
            prefs.clone(),
        ));
        let appearance = Arc::new(Appearance::new(prefs.clone()));
        let session = Arc::new(SessionService::new(SessionParts {
            data_dir,
            keychain,
            prefs,
            server,
            signed_in: signed_in.clone(),
            outbox: outbox.clone(),
            logos: logos.clone(),
            stale,
        }));
        // One browser flow at a time, whether a sign-in or a connection test.
        let waiting = Arc::new(Waiting::default());
        let sso_sign_in = Arc::new(SsoSignIn::new(
            session.clone(),
            signed_in.clone(),
            browser.clone(),
            waiting.clone(),
        ));
        let account = Arc::new(Account::new(reads.clone(), signed_in, session.clone()));
        Self {
            spawner,
            session,
            account,
            sessions: Arc::new(Sessions::new(reads.clone())),
            two_factor,
            orgs: Arc::new(Orgs::new(reads.clone(), outbox.clone(), alerts.clone())),
            projects: Arc::new(Projects::new(reads.clone(), outbox.clone())),
            members: Arc::new(Members::new(reads.clone(), outbox.clone())),
            invitations: Arc::new(Invitations::new(reads.clone(), outbox.clone())),
            billing: Arc::new(Billing::new(
                reads.clone(),
                outbox.clone(),
                alerts.clone(),
                exports.clone(),
            )),
            payments,
            portfolio,
            audit: Arc::new(Audit::new(reads.clone())),
            api_keys: Arc::new(ApiKeys::new(reads.clone())),
            security: Arc::new(OrgSecurity::new(reads.clone())),
            webhooks: Arc::new(Webhooks::new(reads.clone(), alerts.clone())),
            org_exports,
            retention: Arc::new(Retention::new(reads.clone())),
            org_sso: Arc::new(OrgSso::new(reads.clone(), browser, waiting)),
            sso_sign_in,
            tray: Arc::new(TrayContexts::new(reads.clone(), outbox.clone())),
            account_mail,
            connectivity,
            reads,
            outbox,
            logos,
            exports,
            alerts,
            appearance,
        }
    }

    /// Starts the background work that runs as long as the app: resuming the saved session
    /// (and the built-in server when the account is on it), the outbox replay (and the
    /// connectivity announcements) and the watch for alerts (low balances, webhooks turned
    /// off).
    pub fn start(&self) {
        self.session.resume_early(&self.spawner);
        self.outbox.run();
        self.alerts.watch();
    }
}
