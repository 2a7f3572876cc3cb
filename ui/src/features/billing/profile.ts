// The billing details form: its fields, what is checked before sending (the server checks
// the same, and its answer names the field), and the profile it sends.
import type { BillingProfile } from '../../lib/bindings';

export type ProfileField = keyof BillingProfile;
export type ProfileForm = Record<ProfileField, string>;

export const PROFILE_FIELDS: {
  name: ProfileField;
  label: string;
  autocomplete: AutoFill;
  placeholder?: string;
  hint?: string;
  wide?: boolean;
}[] = [
  { name: 'company_name', label: 'Company name', autocomplete: 'organization', placeholder: 'Northwind Traders GmbH', wide: true },
  { name: 'billing_email', label: 'Billing email', autocomplete: 'email', placeholder: 'billing@example.com' },
  { name: 'tax_id', label: 'Tax number', autocomplete: 'off', placeholder: 'DE123456789', hint: 'VAT or other tax id, printed on receipts.' },
  { name: 'address_line1', label: 'Address', autocomplete: 'address-line1', wide: true },
  { name: 'address_line2', label: 'Address line 2', autocomplete: 'address-line2', wide: true },
  { name: 'postal_code', label: 'Postal code', autocomplete: 'postal-code' },
  { name: 'city', label: 'City', autocomplete: 'address-level2' },
  { name: 'country', label: 'Country', autocomplete: 'country', placeholder: 'DE', hint: 'Two letters, e.g. DE, FR, US.' },
];

export const MAX_FIELD = 200;

export function profileForm(p: BillingProfile | null): ProfileForm {
  const form = {} as ProfileForm;
  for (const f of PROFILE_FIELDS) form[f.name] = p?.[f.name] ?? '';
  return form;
}

/** What is sent: trimmed, the country upper case, empty fields cleared. */
export function profileOf(form: ProfileForm): BillingProfile {
  const p = {} as BillingProfile;
  for (const f of PROFILE_FIELDS) {
    const v = form[f.name].trim();
    p[f.name] = v ? (f.name === 'country' ? v.toUpperCase() : v) : null;
  }
  return p;
}

/** Field errors found before sending (empty when it may be sent). */
export function checkProfile(form: ProfileForm): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of PROFILE_FIELDS) {
    if (form[f.name].trim().length > MAX_FIELD) errors[f.name] = `At most ${MAX_FIELD} characters.`;
  }
  const email = form.billing_email.trim();
  if (email && !errors.billing_email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.billing_email = 'Enter an email address, such as billing@example.com.';
  }
  const country = form.country.trim();
  if (country && !/^[A-Za-z]{2}$/.test(country)) errors.country = 'Two letters, such as DE or US.';
  return errors;
}
