/** Pieces the resources' schemas share. */
import { z } from 'zod';
import { NAMESPACE_NAME } from '../../namespaces/config';

export const namespaceName = () => z.string().regex(NAMESPACE_NAME, 'must be a namespace name: 1-63 lowercase letters, digits, - or _');
/** A page size: 1-200, 50 when not given. */
export const pageLimit = () => z.coerce.number().int().min(1).max(200).default(50);
