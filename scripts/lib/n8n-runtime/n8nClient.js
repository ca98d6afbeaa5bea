// @ts-check
'use strict';
/** REST client for n8n (the API the editor uses) */
const crypto = require('node:crypto');
const { httpRequest } = require('./http');

class N8nClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.cookie = '';
		this.browserId = crypto.randomUUID();
	}

	async request(method, p, body, { expect = [200], raw = false } = {}) {
		const headers = { 'browser-id': this.browserId, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await httpRequest(`${this.baseUrl}${p}`, { method, headers, body });
		const setCookie = res.headers['set-cookie'] || [];
		for (const c of setCookie) {
			const m = /^n8n-auth=([^;]*)/.exec(c);
			if (m) this.cookie = `n8n-auth=${m[1]}`;
		}
		if (raw) return res;
		if (expect && !expect.includes(res.status)) {
			throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text.slice(0, 600)}`);
		}
		return res.json && Object.prototype.hasOwnProperty.call(res.json, 'data')
			? res.json.data
			: res.json;
	}

	get(p, o) {
		return this.request('GET', p, undefined, o);
	}
	post(p, b, o) {
		return this.request('POST', p, b, o);
	}
	patch(p, b, o) {
		return this.request('PATCH', p, b, o);
	}
	delete(p, o) {
		return this.request('DELETE', p, undefined, o);
	}

	async setupOwner(owner) {
		return this.post('/rest/owner/setup', owner);
	}
	async login(email, password) {
		// 1.x/2.x: emailOrLdapLoginId; older: email
		return this.post('/rest/login', { emailOrLdapLoginId: email, email, password });
	}
	async createCredential(name, type, data) {
		return this.post('/rest/credentials', { name, type, data });
	}
	async updateCredential(id, name, type, data) {
		return this.patch(`/rest/credentials/${id}`, { name, type, data });
	}
	async testCredential(cred, data) {
		return this.post('/rest/credentials/test', {
			credentials: { id: cred.id, name: cred.name, type: cred.type, data },
		});
	}
	async nodeTypes() {
		return this.get('/types/nodes.json');
	}
	/**
	 * POST /rest/api-keys (checked on n8n 2.30.8 and 2.41.1): returns the created key; the secret is
	 * in `rawApiKey`.
	 */
	async createApiKey(label, scopes) {
		return this.post('/rest/api-keys', { label, scopes, expiresAt: null });
	}
	/**
	 * A request to the public API (/api/v1/…) with X-N8N-API-KEY (no cookie). Resolves {status, json,
	 * text}.
	 */
	async publicApi(method, p, apiKey, body) {
		const headers = { accept: 'application/json' };
		if (apiKey) headers['x-n8n-api-key'] = apiKey;
		return httpRequest(`${this.baseUrl}/api/v1${p}`, { method, headers, body });
	}
	async credentialTypes() {
		return this.get('/types/credentials.json');
	}
}

const DEFAULT_OWNER = Object.freeze({
	email: 'owner@example.com',
	firstName: 'Local',
	lastName: 'Owner',
	password: 'Office365-e2e-Passw0rd',
});

module.exports = { DEFAULT_OWNER, N8nClient };
