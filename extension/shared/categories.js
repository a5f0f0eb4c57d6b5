// The purposes a user can block or strip, with their labels, in display order: the core's
// vocabulary (crate/src/vocabulary.rs) without what may not be chosen (content delivery).
import { VOCABULARY } from '../pkg/vocabulary.js';

export const CHOOSABLE_CATEGORIES = VOCABULARY.categories.filter((t) => t.choosable).map((t) => [t.name, t.label]);
