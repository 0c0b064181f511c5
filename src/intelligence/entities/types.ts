/** The SDK's `EntityType`, every value AssemblyAI's entity detection can return. */
export type EntityType =
  | 'account_number' | 'banking_information' | 'blood_type' | 'credit_card_cvv' | 'credit_card_expiration'
  | 'credit_card_number' | 'date' | 'date_interval' | 'date_of_birth' | 'drivers_license' | 'drug' | 'duration'
  | 'email_address' | 'event' | 'filename' | 'gender_sexuality' | 'healthcare_number' | 'injury' | 'ip_address'
  | 'language' | 'location' | 'marital_status' | 'medical_condition' | 'medical_process' | 'money_amount'
  | 'nationality' | 'number_sequence' | 'occupation' | 'organization' | 'passport_number' | 'password'
  | 'person_age' | 'person_name' | 'phone_number' | 'physical_attribute' | 'political_affiliation' | 'religion'
  | 'statistics' | 'time' | 'url' | 'us_social_security_number' | 'username' | 'vehicle_id' | 'zodiac_sign';

/** The SDK's `Entity` (`entities[]`); times in ms. */
export interface Entity {
  entity_type: EntityType;
  text: string;
  start: number;
  end: number;
}
