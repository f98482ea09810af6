/**
 * The payload key of the recorded encrypted histories (tests/histories/encrypted-*.json) and of
 * the encryption tests: public, for tests only. Never use it for anything else.
 */
export const REPLAY_PAYLOAD_KEY = 'replay-test:pHRvYmUtdXNlZC1vbmx5LWluLXRlc3RzLTMyYnl0ZXM=';
/** Another test key: the one a rotation moves away from. */
export const OLD_PAYLOAD_KEY = 'old-test:b2xkLWtleS11c2VkLW9ubHktaW4tdGVzdHMtMzJieXQ=';
