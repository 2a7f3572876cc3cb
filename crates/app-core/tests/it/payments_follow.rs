//! Following a card payment until the processor settles it, without a server: the looks
//! are scripted answers, the waits zero.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use orgdesk_app_core::payments::{declined, follow, settle_delays, PaymentProgress};
use orgdesk_app_core::AppError;
use orgdesk_model::payment::{Payment, PaymentPurpose, PaymentStatus};
use orgdesk_model::{ApiError, ErrorCode, OrgId, PaymentId};

fn payment(status: PaymentStatus) -> Payment {
    Payment {
        id: PaymentId::new(),
        org_id: OrgId::new(),
        purpose: PaymentPurpose::TopUp,
        status,
        credits: 5_000,
        refunded_credits: 0,
        price: 4_500,
        currency: "eur".into(),
        plan: None,
        card: None,
        failure_message: None,
        created_by: None,
        created_at: chrono::Utc::now(),
        settled_at: None,
        receipt_number: None,
    }
}

/// Answers the scripted looks in order; counts them.
struct Script(Mutex<VecDeque<Result<Payment, AppError>>>);

impl Script {
    fn new(answers: Vec<Result<Payment, AppError>>) -> Self {
        Self(Mutex::new(answers.into()))
    }

    async fn look(&self) -> Result<Payment, AppError> {
        self.0
            .lock()
            .unwrap()
            .pop_front()
            .expect("looked more often than scripted")
    }

    fn left(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

fn no_waits(n: usize) -> impl Iterator<Item = Duration> {
    std::iter::repeat_n(Duration::ZERO, n)
}

#[tokio::test]
async fn a_pending_payment_is_looked_at_until_it_settles_and_each_look_is_reported() {
    let created = payment(PaymentStatus::Pending);
    let settled = Payment {
        status: PaymentStatus::Succeeded,
        receipt_number: Some("OD-2026-000001".into()),
        ..created.clone()
    };
    let script = Script::new(vec![
        Ok(created.clone()),
        Ok(created.clone()),
        Ok(settled.clone()),
    ]);
    let mut heard: Vec<PaymentProgress> = Vec::new();
    let last = follow(created, || script.look(), no_waits(10), &mut |p| {
        heard.push(p)
    })
    .await;
    assert_eq!(last, settled);
    assert_eq!(script.left(), 0, "three looks, then it stopped");
    let checks: Vec<u32> = heard.iter().map(|p| p.checks).collect();
    assert_eq!(checks, [1, 2, 3]);
    assert_eq!(heard[2].payment.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn a_payment_that_succeeded_at_once_is_not_looked_at_again() {
    let paid = payment(PaymentStatus::Succeeded);
    let script = Script::new(vec![]);
    let last = follow(paid.clone(), || script.look(), no_waits(5), &mut |_| {
        panic!("nothing to report")
    })
    .await;
    assert_eq!(last, paid);
}

#[tokio::test]
async fn following_stops_within_its_bound_or_at_an_error_leaving_the_payment_pending() {
    let created = payment(PaymentStatus::Pending);
    let script = Script::new(vec![Ok(created.clone()), Ok(created.clone())]);
    let last = follow(created.clone(), || script.look(), no_waits(2), &mut |_| {}).await;
    assert_eq!(last.status, PaymentStatus::Pending, "two waits, two looks");
    assert_eq!(script.left(), 0);

    let script = Script::new(vec![Err(AppError::NeedsServer("Checking the payment"))]);
    let last = follow(created, || script.look(), no_waits(5), &mut |_| {}).await;
    assert_eq!(last.status, PaymentStatus::Pending);
}

#[test]
fn the_waits_start_quick_grow_and_add_up_to_a_bound() {
    let waits: Vec<Duration> = settle_delays().collect();
    assert_eq!(waits[0], Duration::from_millis(500));
    // Growing, but for the last, which is what is left of the bound.
    let (_, growing) = waits.split_last().unwrap();
    assert!(growing.windows(2).all(|w| w[1] >= w[0]));
    assert!(waits.iter().all(|w| *w <= Duration::from_secs(8)));
    let total: Duration = waits.iter().sum();
    assert_eq!(total, Duration::from_secs(60));
}

#[test]
fn a_failed_payment_is_a_decline_with_the_processors_reason() {
    let failed = Payment {
        failure_message: Some("Your card has insufficient funds.".into()),
        ..payment(PaymentStatus::Failed)
    };
    let err = ApiError::from(declined(failed).unwrap_err());
    assert_eq!(err.code, ErrorCode::PaymentDeclined);
    assert_eq!(err.message, "Your card has insufficient funds.");
    let paid = payment(PaymentStatus::Succeeded);
    assert_eq!(declined(paid.clone()).unwrap(), paid);
    let pending = payment(PaymentStatus::Pending);
    assert_eq!(declined(pending.clone()).unwrap(), pending);
}
