/**
 * What the French NLP process says about a text, in our terms: offsets in code points of the text sent,
 * every token's text checked against it.
 */

/** The entity classes of CoreNLP's French recogniser (trained on WikiNER). */
export type EntityClass = "PER" | "LOC" | "ORG" | "MISC";

export interface NlpToken {
  /** Position in its sentence, from 1 (the dependency parse's numbering; 0 is the root). */
  index: number;
  /** Code-point offsets into the text: [start, end). */
  start: number;
  end: number;
  /** The text's own characters there. Two tokens of one contracted word ("du" = "de" + "le") share them. */
  text: string;
  /** The word the parser saw: "le" for the second half of "du". */
  word: string;
  lemma: string | null;
  /** Universal part of speech: NOUN, PROPN, VERB, AUX, ADP, DET ... */
  pos: string;
  /** The recogniser's entity class for this token, or null. */
  entity: EntityClass | null;
  /** Index of the token it depends on (0: the root). */
  head: number;
  /** Universal dependency relation to its head: nsubj, obj, obl:agent, acl, flat:name ... */
  relation: string;
}

export interface NlpSentence {
  /** Code-point offsets of its first token's start and its last token's end. */
  start: number;
  end: number;
  tokens: NlpToken[];
}

/** A run of tokens the recogniser names as one entity. */
export interface NlpEntity {
  start: number;
  end: number;
  text: string;
  class: EntityClass;
  /** Index of its sentence in `sentences`. */
  sentence: number;
}

export interface NlpAnnotation {
  sentences: NlpSentence[];
  entities: NlpEntity[];
}
