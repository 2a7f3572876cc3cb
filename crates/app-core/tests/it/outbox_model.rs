//! A state-machine property test of the outbox: random changes, disconnects, answers lost
//! after the server committed, duplicated sends and app restarts, against a real server
//! behind a fault-injecting proxy. Invariants once the connection is back for good:
//! every unique change was applied exactly once, the outbox drained, and each stale edit
//! came back as a conflict (or, sent while online, as an immediate `version_conflict`).

use crate::common;

use common::proxy::Fault;
use common::world::{
    balance, create, names, reconnect, restore, sign_up_with_org, top_up, App, World,
};
use orgdesk_app_core::outbox::edits::UpdateOrg;
use orgdesk_app_core::outbox::ChangeState;
use orgdesk_model::org::UpdateOrgRequest;
use orgdesk_model::{ErrorCode, OrgId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    CreateProject,
    TopUp(i64),
    /// The same top-up again, under the key of the last one (a UI retry).
    RetryLastTopUp,
    /// An edit based on a version that is certainly stale.
    StaleRename,
    Disconnect,
    Reconnect,
    /// The next answer is lost after the server applied the request.
    LoseNextAnswer,
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::CreateProject),
        3 => (1i64..500).prop_map(Op::TopUp),
        1 => Just(Op::RetryLastTopUp),
        1 => Just(Op::StaleRename),
        2 => Just(Op::Disconnect),
        2 => Just(Op::Reconnect),
        1 => Just(Op::LoseNextAnswer),
        1 => Just(Op::Restart),
    ]
}

#[derive(Default)]
struct Expected {
    projects: Vec<String>,
    balance: i64,
    last_top_up: Option<(String, i64)>,
    /// Stale edits answered at once with `version_conflict` (sent while online).
    refused_at_once: usize,
    stale_sent: usize,
}

async fn run(ops: Vec<Op>) {
    let world = World::new().await;
    let mut app = world.launch();
    let org: OrgId = sign_up_with_org(&world, &app, "ana@example.com").await;
    // Room for every project a case may create.
    let direct = world.direct("ana@example.com").await;
    direct
        .change_plan(org, orgdesk_model::Plan::Business)
        .await
        .unwrap();
    let mut expected = Expected::default();
    let mut lose_next = false;
    for (n, op) in ops.into_iter().enumerate() {
        if lose_next && !matches!(op, Op::Disconnect | Op::Reconnect | Op::Restart) {
            world.proxy.set(Fault::DropResponse);
        }
        match op {
            Op::CreateProject => {
                let name = format!("Project {n}");
                app.outbox.submit(create(org, &name), None).await.unwrap();
                expected.projects.push(name);
            }
            Op::TopUp(amount) => {
                let key = format!("top-up-{n}");
                app.outbox
                    .submit(top_up(org, amount), Some(key.clone()))
                    .await
                    .unwrap();
                expected.balance += amount;
                expected.last_top_up = Some((key, amount));
            }
            Op::RetryLastTopUp => {
                if let Some((key, amount)) = expected.last_top_up.clone() {
                    app.outbox
                        .submit(top_up(org, amount), Some(key))
                        .await
                        .unwrap();
                }
            }
            Op::StaleRename => {
                let patch = UpdateOrgRequest {
                    name: Some(format!("Stale {n}")),
                    ..Default::default()
                };
                let change = UpdateOrg {
                    org_id: org,
                    expected_version: 0,
                    patch,
                };
                expected.stale_sent += 1;
                match app.outbox.submit(change, None).await {
                    Ok(_) => {}
                    Err(e) => {
                        assert_eq!(
                            orgdesk_model::ApiError::from(e).code,
                            ErrorCode::VersionConflict
                        );
                        expected.refused_at_once += 1;
                    }
                }
            }
            Op::Disconnect => world.proxy.set(Fault::Refuse),
            Op::Reconnect => reconnect(&world, &app).await,
            Op::LoseNextAnswer => lose_next = true,
            Op::Restart => {
                drop(app);
                app = world.launch();
                restore(&app).await;
            }
        }
        if lose_next
            && !matches!(
                op,
                Op::LoseNextAnswer | Op::Disconnect | Op::Reconnect | Op::Restart
            )
        {
            world.proxy.set(Fault::None);
            lose_next = false;
        }
    }
    settle(&world, &app, &expected).await;
}

/// Back online for good: resolve conflicts as they surface (take theirs; a later change
/// of the same org waits behind one), drain, compare.
async fn settle(world: &World, app: &App, expected: &Expected) {
    let mut conflicts = 0;
    loop {
        reconnect(world, app).await;
        let waiting = app.outbox.changes().await.unwrap();
        let Some(conflict) = waiting.iter().find(|c| c.state == ChangeState::Conflict) else {
            assert!(waiting.is_empty(), "the outbox drains: {waiting:?}");
            break;
        };
        conflicts += 1;
        app.outbox.discard(conflict.id).await.unwrap();
    }
    assert_eq!(
        conflicts + expected.refused_at_once,
        expected.stale_sent,
        "every stale edit came back as a conflict"
    );
    let direct = world.direct("ana@example.com").await;
    let org = direct.all_orgs().await.unwrap().value[1].org.id;
    let mut want = expected.projects.clone();
    want.sort();
    assert_eq!(
        names(&direct, org).await,
        want,
        "each project created exactly once"
    );
    assert_eq!(
        balance(&direct, org).await,
        expected.balance,
        "each top-up applied exactly once"
    );
}

#[test]
fn outbox_applies_every_change_exactly_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(ops in prop::collection::vec(op(), 1..14))| {
        runtime.block_on(run(ops));
    });
}
