const { log } = require("../util");

class Maintenance {
    async startEvent(duration) {
        log.debug("maintenance", "the window.start of maintenance is in the past: " + duration);
    }

    run(duration) {
        // Unlike document.hidden in the browser code, nothing here waits.
        this.startEvent(duration);
    }
}

module.exports = { Maintenance };
