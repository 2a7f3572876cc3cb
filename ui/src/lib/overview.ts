// The overview of a context, read by the Overview page and by the member pages (seats).
import { commands, type OrgOverview } from './bindings';
import { callOrg } from './access';

export type Overview = OrgOverview;

export function loadOverview(orgId: string): Promise<Overview> {
  return callOrg(orgId, commands.getOverview(orgId));
}

/** Seats still free on the plan (members and pending invitations both hold one); null
 *  for those who may not see pending invitations. */
export function seatsLeft(o: Overview): number | null {
  return o.seats_used === null ? null : Math.max(0, o.limits.seats - o.seats_used);
}
