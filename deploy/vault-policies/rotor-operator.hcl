# rotor-operator: the Vault policy an operator running rotor needs, and nothing more.
# Generated from src/policy/vault-policy.ts (test/vault-policy-files.test.ts keeps them equal).
#
# Replace TEAM_PREFIX (the KV folder of the team, also its database connection, static role
# and PKI role) and TRANSIT_KEY, then load it:
#   sed -e 's#TEAM_PREFIX#harmonyflow#g' -e 's#TRANSIT_KEY#session-state#g' rotor-operator.hcl \
#     | vault policy write rotor-operator -
# Mounts are the runbooks' defaults (secret, transit, database, pki) and rotor's store is
# secret/rotor/; edit the paths if ROTOR_STORE_MOUNT, ROTOR_STORE_PREFIX or ROTOR_VAULT_PREFIX
# move it. `rotor doctor` checks a token against these rules. See SECURITY.md.

# the team secrets: snapshot, rotate (patch), stage <path>.pending (create), promote, restore
path "secret/data/TEAM_PREFIX/*" {
  capabilities = ["create", "read", "update", "patch"]
}

# versions for check-and-set; marks a staged value (update); removes <path>.pending once promoted (delete: Vault globs cannot say "only .pending")
path "secret/metadata/TEAM_PREFIX/*" {
  capabilities = ["read", "update", "delete"]
}

# rotation policies: rotor policy add, rotor policy remove
path "secret/data/rotor/policies/*" {
  capabilities = ["create", "read", "update"]
}

# versions of the policy shards
path "secret/metadata/rotor/policies/*" {
  capabilities = ["read"]
}

# per-secret status, written after each rotation
path "secret/data/rotor/status/*" {
  capabilities = ["create", "read", "update"]
}

# versions of the status shards
path "secret/metadata/rotor/status/*" {
  capabilities = ["read"]
}

# rotation history, appended by every run
path "secret/data/rotor/history/*" {
  capabilities = ["create", "read", "update"]
}

# versions of the history entries
path "secret/metadata/rotor/history/*" {
  capabilities = ["read"]
}

# rotation locks, taken with check-and-set; rotor unlock
path "secret/data/rotor/locks/*" {
  capabilities = ["create", "read", "update"]
}

# versions of the locks
path "secret/metadata/rotor/locks/*" {
  capabilities = ["read"]
}

# encryption-key: the key versions
path "transit/keys/TRANSIT_KEY" {
  capabilities = ["read"]
}

# encryption-key: rotate
path "transit/keys/TRANSIT_KEY/rotate" {
  capabilities = ["update"]
}

# encryption-key: rewrap
path "transit/rewrap/TRANSIT_KEY" {
  capabilities = ["update"]
}

# postgres-dynamic: rotate the root credential
path "database/rotate-root/TEAM_PREFIX" {
  capabilities = ["update"]
}

# postgres-dynamic: rotate the static role
path "database/rotate-role/TEAM_PREFIX" {
  capabilities = ["update"]
}

# postgres-dynamic: read the static credential
path "database/static-creds/TEAM_PREFIX" {
  capabilities = ["read"]
}

# certificate: issue the new certificate
path "pki/issue/TEAM_PREFIX" {
  capabilities = ["update"]
}

# certificate: revoke the old one
path "pki/revoke" {
  capabilities = ["update"]
}

# certificate: after a kill inside the issue step, find what the interrupted run issued, to revoke it
path "pki/certs" {
  capabilities = ["list"]
}

# postgres-dynamic: renew leases
path "sys/leases/renew" {
  capabilities = ["update"]
}

# rotor doctor; token renewal
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# keeps the token alive during long runs
path "auth/token/renew-self" {
  capabilities = ["update"]
}

# names the missing capability when Vault says 403; rotor doctor
path "sys/capabilities-self" {
  capabilities = ["update"]
}
