/**
 * The pages: `/` is the executive summary; then one per scope: `/org` is the organisation, then
 * `/department/<id>`, `/team/<id>` and `/service/<owner>/<name>`; `?from=&to=` hold the date
 * range, so every view is a link. `/login` stands outside the dashboard's frame: it needs no session.
 * (The declarative router: the data router's loaders are not needed and weigh 15 kB gzipped.)
 */
import { Route, Routes } from 'react-router';
import { App } from './components/App';
import { ScopePage } from './pages/ScopePage';
import { SummaryPage } from './pages/SummaryPage';
import { NotFound } from './pages/NotFound';
import { LoginPage } from './pages/LoginPage';
import { lazy, Suspense, type ReactNode } from 'react';
import { Loading } from './components/States';

// The loops and retro views load on demand: most visits never open them.
const LoopsPage = lazy(() => import('./pages/LoopsPage').then((m) => ({ default: m.LoopsPage })));
const RetroPage = lazy(() => import('./pages/RetroPage').then((m) => ({ default: m.RetroPage })));
const KeptIncidentsPage = lazy(() => import('./pages/KeptIncidentsPage').then((m) => ({ default: m.KeptIncidentsPage })));
const onDemand = (page: ReactNode) => <Suspense fallback={<Loading label="Loading the page…" />}>{page}</Suspense>;

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/" element={<App />}>
        <Route index element={<SummaryPage />} />
        <Route path="org" element={<ScopePage />} />
        <Route path="department/:id" element={<ScopePage />} />
        <Route path="team/:id" element={<ScopePage />} />
        <Route path="service/*" element={<ScopePage />} />
        <Route path="loops/*" element={onDemand(<LoopsPage />)} />
        <Route path="retro/*" element={onDemand(<RetroPage />)} />
        <Route path="incidents" element={onDemand(<KeptIncidentsPage />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
