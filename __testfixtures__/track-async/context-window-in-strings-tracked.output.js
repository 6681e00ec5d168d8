const { log } = require("../util");
const { track } = require("@leakfix/runtime");

class Maintenance {
    async startEvent(duration) {
        log.debug("maintenance", "the window.start of maintenance is in the past: " + duration);
    }

    run(duration) {
        // Unlike document.hidden in the browser code, nothing here waits.
        track(this.startEvent(duration), "Maintenance.startEvent");
    }
}

module.exports = { Maintenance };
