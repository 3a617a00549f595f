/**
 * The pages: one per scope. `/` is the organisation, then `/department/<id>`, `/team/<id>`
 * and `/service/<owner>/<name>`; `?from=&to=` hold the date range, so every view is a link.
 * (The declarative router: the data router's loaders are not needed and weigh 15 kB gzipped.)
 */
import { Route, Routes } from 'react-router';
import { App } from './components/App';
import { ScopePage } from './pages/ScopePage';
import { NotFound } from './pages/NotFound';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<App />}>
        <Route index element={<ScopePage />} />
        <Route path="department/:id" element={<ScopePage />} />
        <Route path="team/:id" element={<ScopePage />} />
        <Route path="service/*" element={<ScopePage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
