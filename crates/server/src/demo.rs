//! The demo agency behind `--demo`: one account that works for several client orgs.
//! Seeding is idempotent: whatever already exists is left as it is. Members, projects
//! and a ledger join the seed as those features arrive.

use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::Plan;

use crate::auth::account;
use crate::auth::service::{create_account, NewAccount};
use crate::db::Db;
use crate::error::AppError;
use crate::orgs::{repo, service, slugs};

pub const DEMO_EMAIL: &str = "demo@orgdesk.dev";
pub const DEMO_PASSWORD: &str = "orgdesk-demo-2026";

/// (name, slug, description, website)
const CLIENTS: [(&str, &str, &str, &str); 5] = [
    (
        "Northwind Studio",
        "northwind-studio",
        "Our own agency: design and development for independent brands.",
        "https://northwind.example",
    ),
    (
        "Café Zürich",
        "cafe-zurich",
        "Specialty coffee roaster with three shops and an online store.",
        "https://cafe-zurich.example",
    ),
    (
        "Harbor & Pine Legal",
        "harbor-pine-legal",
        "Boutique law firm; client portal and document automation.",
        "https://harborpine.example",
    ),
    (
        "Brightline Fitness",
        "brightline-fitness",
        "Chain of climbing gyms; booking app and member analytics.",
        "https://brightline.example",
    ),
    (
        "Kestrel Robotics",
        "kestrel-robotics",
        "Warehouse robotics start-up; developer docs and fleet dashboard.",
        "https://kestrel-robotics.example",
    ),
];

pub async fn seed(db: &Db) -> Result<(), AppError> {
    let existing = {
        let mut conn = db.pool().acquire().await?;
        account::id_by_email(&mut conn, DEMO_EMAIL).await?
    };
    let user = match existing {
        Some(user) => user,
        None => {
            let account = NewAccount {
                email: DEMO_EMAIL.to_owned(),
                display_name: "Dana Demo".to_owned(),
                password: DEMO_PASSWORD.to_owned(),
            };
            create_account(db, account).await?
        }
    };
    // An agency owns more orgs than the free plan allows.
    {
        let mut tx = db.write().await?;
        repo::set_personal_plan(&mut tx, user, Plan::Team).await?;
        tx.commit().await?;
    }
    for (name, slug, description, website) in CLIENTS {
        let taken = {
            let mut conn = db.pool().acquire().await?;
            slugs::holder(&mut conn, slug).await?.is_some()
        };
        if taken {
            continue;
        }
        let request = CreateOrgRequest {
            name: name.to_owned(),
            slug: Some(slug.to_owned()),
            description: Some(description.to_owned()),
            website: Some(website.to_owned()),
        };
        service::create(db, user, &request).await?;
    }
    tracing::info!(
        email = DEMO_EMAIL,
        orgs = CLIENTS.len(),
        "demo agency ready"
    );
    Ok(())
}
