import { EarshotError } from '../../errors.js';

/**
 * AssemblyAI's `PiiPolicy` and `SubstitutionPolicy`, copied from the SDK's generated types
 * (assemblyai/dist/types/openapi.generated.d.ts) because the SDK is only a dev dependency.
 */
export type PiiPolicy =
  | 'account_number' | 'banking_information' | 'blood_type' | 'credit_card_cvv' | 'credit_card_expiration'
  | 'credit_card_number' | 'date' | 'date_interval' | 'date_of_birth' | 'drivers_license' | 'drug' | 'duration'
  | 'email_address' | 'event' | 'filename' | 'gender_sexuality' | 'healthcare_number' | 'injury' | 'ip_address'
  | 'language' | 'location' | 'marital_status' | 'medical_condition' | 'medical_process' | 'money_amount'
  | 'nationality' | 'number_sequence' | 'occupation' | 'organization' | 'passport_number' | 'password' | 'person_age'
  | 'person_name' | 'phone_number' | 'physical_attribute' | 'political_affiliation' | 'religion' | 'statistics' | 'time'
  | 'url' | 'us_social_security_number' | 'username' | 'vehicle_id' | 'zodiac_sign';
export type SubstitutionPolicy = 'entity_name' | 'hash';

/**
 * The AssemblyAI `redact_pii_policies` Earshot detects (issue 7 item 7). Asking for any other
 * policy is an `unsupported_option` error rather than a silent no-op, since a caller relying on
 * redaction must know what was not redacted.
 */
export const SUPPORTED_PII_POLICIES = [
  'person_name',
  'phone_number',
  'email_address',
  'credit_card_number',
  'us_social_security_number',
  'date',
  'date_of_birth',
  'location',
  'organization',
  'number_sequence',
] as const satisfies readonly PiiPolicy[];

export type SupportedPiiPolicy = (typeof SUPPORTED_PII_POLICIES)[number];

export function isSupportedPolicy(policy: string): policy is SupportedPiiPolicy {
  return (SUPPORTED_PII_POLICIES as readonly string[]).includes(policy);
}

/** Throws `unsupported_option` naming every policy that cannot be honoured. */
export function checkPolicies(policies: readonly string[]): SupportedPiiPolicy[] {
  if (policies.length === 0) {
    throw new EarshotError('invalid_request', 'redact_pii_policies must name at least one policy.');
  }
  const unsupported = policies.filter((p) => !isSupportedPolicy(p));
  if (unsupported.length > 0) {
    throw new EarshotError(
      'unsupported_option',
      `redact_pii_policies: ${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not supported; supported policies: ${SUPPORTED_PII_POLICIES.join(', ')}.`,
    );
  }
  return [...new Set(policies)] as SupportedPiiPolicy[];
}

/** The `entity_name` substitution: "person_name" → "[PERSON_NAME]", as AssemblyAI writes it. */
export function entityLabel(policy: PiiPolicy): string {
  return `[${policy.toUpperCase()}]`;
}

/** The `hash` substitution: every character that is not a space becomes "#", so lengths are kept. */
export function hashOut(text: string): string {
  return text.replace(/\S/g, '#');
}
