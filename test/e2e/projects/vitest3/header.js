import { expect, test } from 'vitest'
import { z } from 'zod'
