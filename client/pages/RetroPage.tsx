/** `/retro/<scope path>?loop=<id>`: a team's retrospective of one loop, printable. */
import { RetroView } from '../components/loops/RetroView';
import { SectionScope } from '../components/loops/SectionScope';

export function RetroPage() {
  return <SectionScope>{(scope, org) => <RetroView key={scope.key} scope={scope} org={org} />}</SectionScope>;
}
