/// <reference types="assay/vitest" />
import { expect } from 'vitest'
