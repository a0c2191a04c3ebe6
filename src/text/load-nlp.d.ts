import type nlp from 'compromise'

/** The compromise NLP function, loaded on first call. */
export declare function loadNlp(): typeof nlp
