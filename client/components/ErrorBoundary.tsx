/** Shown when rendering failed: a message and a way back, never a blank screen. */
import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="container route-error" role="alert">
        <h1>Deming could not show this page</h1>
        <p>{this.state.error.message}</p>
        <p>
          <a href="/">Go to the executive summary</a> or reload the page.
        </p>
      </main>
    );
  }
}
