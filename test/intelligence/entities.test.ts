import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectEntities, type Entity } from '../../src/intelligence/entities/entities.js';
import { spoken } from './helpers/transcript.js';

const pairs = (entities: Entity[]) => entities.map((e) => `${e.entity_type}:${e.text}`);

test('entities in formatted text: names, places, organisations, dates, money and written shapes', () => {
  const t = spoken([
    'I met John Smith in London on March 3rd, 2021 at 5 pm.',
    'He paid $500 to Google and Acme Corp.',
    'Email jane.doe@example.com or call 555-123-4567.',
    'Dr. Goodall speaks French and met the Japanese ambassador.',
    'The doctor prescribed aspirin for her diabetes.',
  ]);
  const found = pairs(detectEntities(t));
  for (const expected of [
    'person_name:John Smith',
    'location:London',
    'date:March 3rd, 2021',
    'time:5 pm',
    'money_amount:$500',
    'organization:Google',
    'organization:Acme Corp',
    'email_address:jane.doe@example.com',
    'phone_number:555-123-4567',
    'person_name:Dr. Goodall',
    'language:French',
    'nationality:Japanese',
    'occupation:doctor',
    'drug:aspirin',
    'medical_condition:diabetes',
  ]) {
    assert.ok(found.includes(expected), `missing ${expected} in ${found.join(', ')}`);
  }
});

test('entity times are the times of their words', () => {
  const t = spoken(['Yesterday I flew to Paris.']);
  const paris = detectEntities(t).find((e) => e.text === 'Paris')!;
  const word = t.words.find((w) => w.text === 'Paris.')!;
  assert.deepEqual([paris.start, paris.end], [word.start, word.end]);
  assert.equal(paris.entity_type, 'location');
});

test('in unformatted engine output, name lists still find lowercase names and places', () => {
  const found = pairs(detectEntities(spoken(['i met john smith in paris he is a teacher from germany and speaks german'])));
  assert.deepEqual(found, ['person_name:john smith', 'location:paris', 'occupation:teacher', 'location:germany', 'language:german']);
});

test('with casing, lowercase common words are not names, and verbs are not occupations', () => {
  const found = pairs(detectEntities(spoken(['The judge judged that the china in turkey was fine.', 'She develops apps as a developer.'])));
  assert.deepEqual(found, ['occupation:judge', 'occupation:developer']);
});

test('a card number must pass the Luhn check', () => {
  const found = pairs(detectEntities(spoken(['Card 4111 1111 1111 1111 works, but 1234 5678 9012 3456 does not.'])));
  assert.ok(found.includes('credit_card_number:4111 1111 1111 1111'));
  assert.ok(!found.some((f) => f.includes('1234 5678')));
});
