const { z } = require('zod')
