/// <reference types="jest" />
/// <reference types="assay/jest" />
