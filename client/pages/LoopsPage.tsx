/** `/loops/<scope path>`: the improvement loops of a scope, with its process behaviour chart. */
import { LoopsView } from '../components/loops/LoopsView';
import { SectionScope } from '../components/loops/SectionScope';

export function LoopsPage() {
  // Keyed by scope: the live channel and the loop picked start afresh for each scope.
  return <SectionScope>{(scope, org) => <LoopsView key={scope.key} scope={scope} org={org} />}</SectionScope>;
}
