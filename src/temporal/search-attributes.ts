/**
 * The search attributes of the contract. The dev server registers them at start
 * (scripts/lib/temporal-dev-server.ts); on a cluster, register them once with
 * `temporal operator search-attribute create` (see README).
 * Safe to import from workflow code.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AgentTaskStatus = defineSearchAttributeKey('AgentTaskStatus', SearchAttributeType.KEYWORD);
export const AgentChannel = defineSearchAttributeKey('AgentChannel', SearchAttributeType.KEYWORD);
export const AgentNamespace = defineSearchAttributeKey('AgentNamespace', SearchAttributeType.KEYWORD);
export const ConversationId = defineSearchAttributeKey('ConversationId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [AgentTaskStatus, AgentChannel, AgentNamespace, ConversationId];
