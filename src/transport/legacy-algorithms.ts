/**
 * Algorithms appended (never preferred) when `legacyAlgorithms` is on, for old Solaris sshd
 * (SunSSH 1.x on Solaris 10 and early Solaris 11 control domains), which offers none of the
 * modern key exchanges. Modern algorithms stay first, so a current OpenSSH still negotiates them.
 */
export const LEGACY_ALGORITHMS = {
  kex: ["diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"],
  serverHostKey: ["ssh-rsa", "ssh-dss"],
  cipher: ["aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"],
  hmac: ["hmac-sha1", "hmac-md5"],
} as const;
