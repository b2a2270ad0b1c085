import type { ReactNode } from 'react';

/** The service's banner: its name and, when someone is signed in, who they are and the way out. */
export const PageHeader = ({ children }: { children?: ReactNode }) => (
  <>
    <a className="usa-skipnav" href="#main-content">
      Skip to main content
    </a>
    <header className="usa-header usa-header--basic app-header">
      <div className="app-header__bar grid-container-widescreen">
        <div className="usa-logo margin-y-2">
          <em className="usa-logo__text">Educator accounts</em>
        </div>
        {children && <div className="app-header__session">{children}</div>}
      </div>
    </header>
  </>
);

export const Main = ({ children }: { children: ReactNode }) => (
  <main id="main-content" className="grid-container-widescreen app-main" tabIndex={-1}>
    {children}
  </main>
);
