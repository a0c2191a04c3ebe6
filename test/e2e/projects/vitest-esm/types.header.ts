/// <reference types="assay/vitest/v4" />
import { expect } from 'vitest'
