/// <reference types="assay/jest" />
import { expect } from '@jest/globals'
