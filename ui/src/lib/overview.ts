// The overview of a context, read by the Overview page and by the member pages (seats).
import { commands, type OrgOverview } from './bindings';
import { callOrg } from './access';

export type Overview = OrgOverview;

export function loadOverview(orgId: string): Promise<Overview> {
  return callOrg(orgId, commands.getOverview(orgId));
}

/** Seats still free on the plan (members and pending invitations both hold one). */
export function seatsLeft(o: Overview): number {
  return Math.max(0, o.limits.seats - o.seats_used);
}
