import { Component, type ComponentChildren } from 'preact';

/** The one error boundary: a bug in the page shows a message instead of a blank screen. */
export class ErrorBoundary extends Component<{ children: ComponentChildren }, { failed?: string }> {
  state: { failed?: string } = {};

  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }

  render() {
    if (this.state.failed) {
      return (
        <div class="notice error" role="alert">
          <p class="notice-headline">Coffer ran into a problem and stopped.</p>
          <p>Your files were not changed. Reload the page to start again.</p>
          <p class="hint">{this.state.failed}</p>
        </div>
      );
    }
    return this.props.children;
  }
}
