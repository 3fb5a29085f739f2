module.exports = require('./global-temp.cjs').setup;
