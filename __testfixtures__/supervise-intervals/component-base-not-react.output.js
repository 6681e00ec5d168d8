// `Component` here is the project's own base class (discord.js has one), not React's:
// destroy() is this class's end of life, as for any class.
const { Component } = require('./base');

class StatusButton extends Component {
  start() {
    this.refreshTimer = setInterval(() => this.refresh(), 1000);
  }
  refresh() {}
  destroy() {
    clearInterval(this.refreshTimer);
  }
}

module.exports = { StatusButton };
