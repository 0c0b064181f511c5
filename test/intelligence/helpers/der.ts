/** The DER the speaker tests score with lives beside `earshot eval --diarization` (issue 17). */
export { diarizationErrorRate, type DerReport, type LabelledSpan } from '../../../src/eval/diarization/der.js';
