import React from 'react';

export class Poller extends React.Component {
  componentDidMount() {
    this.timer = setInterval(() => this.props.onPoll(), 2000);
  }

  componentWillUnmount() {
    clearInterval(this.timer);
  }

  render() {
    return null;
  }
}
