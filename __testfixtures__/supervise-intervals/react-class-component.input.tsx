import React, { Component, PureComponent } from 'react';

type PollProps = { poll: () => void; onClose: () => void };

// close() closes the modal; React never calls it. Only unmount ends the poll.
export class PollingModal extends Component<PollProps> {
  componentDidMount() {
    setInterval(() => this.props.poll(), 1000);
  }
  close() {
    this.props.onClose();
  }
  render() {
    return <div onClick={() => this.close()} />;
  }
}

// stop() clears the timer, but nothing calls it on unmount: a componentWillUnmount is added.
export class Clock extends React.PureComponent<{ feeds: Array<{ poll: () => void }> }> {
  timer?: ReturnType<typeof setInterval>;
  componentDidMount() {
    this.timer = setInterval(() => this.tick(), 1000);
    // One field cannot hold a handle per feed, and supervise() would outlive the unmount.
    for (const feed of this.props.feeds) setInterval(() => feed.poll(), 5000);
  }
  tick() {}
  stop() {
    clearInterval(this.timer);
  }
  render() {
    setInterval(() => this.tick(), 10);
    return null;
  }
}

export class Ticker extends PureComponent<{ onLeave: () => void }> {
  timer?: ReturnType<typeof setInterval>;
  componentDidMount() {
    this.timer = setInterval(() => this.tick(), 1000);
  }
  componentWillUnmount() {
    this.props.onLeave();
  }
  tick() {}
  render() {
    return null;
  }
}
