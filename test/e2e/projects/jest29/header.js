// Jest injects expect and test as globals here.
const { z } = require('zod')
