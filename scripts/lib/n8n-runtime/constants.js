// @ts-check
'use strict';
/** Repository and package constants shared by every part. */
const fs = require('node:fs');
const path = require('node:path');

// E2E_REPO_DIR: run against another checkout of this package (debugging aid); default: this
// repository.
const REPO_DIR = process.env.E2E_REPO_DIR
	? path.resolve(process.env.E2E_REPO_DIR)
	: path.resolve(__dirname, '..', '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE_JSON.name;
const NODE_TYPE = 'office365SendMail';
const CREDENTIAL_TYPE = 'microsoftGraphClientCredentialsApi';
const XLSX_OVERRIDE = { xlsx: 'npm:@e965/xlsx@0.20.3' };

module.exports = {
	REPO_DIR,
	PACKAGE_JSON,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	XLSX_OVERRIDE,
};
