import { addScore, type Scores } from './assign.js';
import { findPhrase, type Turn } from './turns.js';

/**
 * What people in common conversational roles say. A `known_values` role is matched to a family
 * by its words ("Customer Service Agent" → agent, "Caller" → customer); families are tried in
 * this order, so "customer service agent" is an agent before it is a customer.
 */
const FAMILIES: { names: string[]; phrases: string[] }[] = [
  {
    names: ['agent', 'representative', 'rep', 'support', 'operator', 'advisor', 'adviser', 'associate', 'receptionist', 'sales', 'salesperson', 'service'],
    phrases: [
      'how can i help', 'how may i help', 'how can i assist', 'thank you for calling', 'thanks for calling', 'let me check', 'let me look',
      'let me see', 'is there anything else', 'can i have your', 'could i have your', 'may i have your', 'one moment', 'bear with me',
      'sorry to hear', 'i apologize', 'i apologise', 'your account', 'your order', 'i can help you', 'what can i do for you',
    ],
  },
  {
    names: ['customer', 'caller', 'client', 'user', 'buyer', 'consumer'],
    phrases: [
      'i have a problem', 'i have an issue', "i'm calling about", 'i am calling about', "i'm calling because", 'i am calling because',
      "i'd like to", 'i would like to', 'my account', 'my order', 'my bill', 'my card', 'i was charged', 'i need help', 'can you help me',
      'not working', "doesn't work", 'i want to cancel',
    ],
  },
  {
    names: ['host', 'interviewer', 'moderator', 'presenter', 'anchor'],
    phrases: [
      'welcome to the show', 'welcome back', 'welcome to', 'thanks for joining', 'thank you for joining', 'our guest', 'my guest',
      'thanks for coming', 'thank you for coming', 'tell us about', 'tell me about', 'what got you', 'how did you get', 'before we go',
    ],
  },
  {
    names: ['guest', 'interviewee', 'panelist', 'expert'],
    phrases: ['thanks for having me', 'thank you for having me', 'great to be here', 'glad to be here', 'happy to be here', 'my research', 'my book', 'i have worked', "i've worked"],
  },
  {
    names: ['doctor', 'physician', 'nurse', 'clinician', 'dr'],
    phrases: ['what brings you', 'how long have you', 'any allergies', 'i will prescribe', "i'll prescribe", 'your symptoms', 'your blood pressure', 'let me examine', 'i recommend', 'your results'],
  },
  {
    names: ['patient'],
    phrases: ["i've been feeling", 'i have been feeling', 'it hurts', 'my pain', 'the pain', "i've had", 'i have had', 'my doctor'],
  },
  {
    names: ['teacher', 'instructor', 'professor', 'tutor', 'lecturer'],
    phrases: ['open your books', 'for homework', 'any questions', 'who can tell me', "today we'll learn", 'today we will learn', 'hand in'],
  },
  {
    names: ['student', 'learner', 'pupil'],
    phrases: ['i have a question', "i don't understand", 'i do not understand', 'can you explain', 'my homework', 'is this on the test'],
  },
];

/** "I'm your X", "as the X": a speaker naming their own role, whatever the role is. */
const ROLE_INTRODUCTIONS = ["i'm your", 'i am your', "i'm the", 'i am the', 'this is your', 'as your', 'as the'].map((p) => p.split(' '));

const SELF = 3;
const CUE = 1;

/** The cue phrases for a role value, from its family; none when no family fits. */
export function rolePhrases(role: string): string[] {
  const words = role.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  return FAMILIES.find((f) => words.some((w) => f.names.includes(w)))?.phrases ?? [];
}

/** Evidence per speaker and role: each cue phrase said counts 1; introducing oneself as the role, 3. */
export function roleScores(turns: readonly Turn[], roles: readonly string[]): Scores {
  const scores: Scores = new Map();
  const cues = roles.map((role) => ({ role, phrases: rolePhrases(role).map((p) => p.split(' ')), words: role.toLowerCase().split(/\s+/) }));
  for (const turn of turns) {
    for (const { role, phrases, words } of cues) {
      for (const phrase of phrases) {
        const hits = findPhrase(turn.tokens, phrase).length;
        if (hits > 0) addScore(scores, turn.speaker, role, CUE * hits);
      }
      for (const intro of ROLE_INTRODUCTIONS) {
        if (findPhrase(turn.tokens, [...intro, ...words]).length > 0) addScore(scores, turn.speaker, role, SELF);
      }
    }
  }
  return scores;
}
