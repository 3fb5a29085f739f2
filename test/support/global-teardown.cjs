module.exports = require('./global-temp.cjs').teardown;
