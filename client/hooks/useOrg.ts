/** The organisation, from the nearest `OrgProvider`. */
import { useContext } from 'react';
import type { OrgResponse } from '../../common/api';
import { OrgContext } from '../components/OrgProvider';
import type { Resource } from './useResource';

export function useOrg(): Resource<OrgResponse> {
  const org = useContext(OrgContext);
  if (!org) throw new Error('useOrg needs an <OrgProvider> above it');
  return org;
}
