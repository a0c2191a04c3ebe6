import type nlp from 'compromise'

/** The compromise NLP function, loaded on first call. */
export declare function loadNlp(): typeof nlp

/** The openai SDK module, loaded on first call. */
export declare function loadOpenAI(): typeof import('openai')
