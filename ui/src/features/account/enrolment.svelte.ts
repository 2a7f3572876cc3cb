// Another screen (an organization that requires two-factor sign-in) may send the person
// here to turn it on: it asks, then opens the Account page, which opens the enrolment.
let requested = $state(false);

/** The next Account page shown opens "Turn on two-factor sign-in" (unless it is on). */
export function askToEnrol(): void {
  requested = true;
}

/** Whether an enrolment was asked for; asking is answered once. */
export function takeEnrolRequest(): boolean {
  const asked = requested;
  requested = false;
  return asked;
}
