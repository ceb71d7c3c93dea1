#!/bin/sh
# Runs as PID 1 of nothing special: the first process inside `unshare -m`. It binds temp copies over the
# machine's trust store paths, proves they took, then waits. Tests enter with `nsenter -t <pid> -m`.
set -eu
root="$1"
mount --make-rprivate /
# Overlays first (the binds below land on top of them): the real tree below, writes into a temp upper dir.
while read -r dir name; do
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$root/ovl/$name/upper,workdir=$root/ovl/$name/work" "$dir"
  test -f "$dir/.dev-certs-sandbox"
done < "$root/overlays"
mount --bind "$root/etc-ssl" /etc/ssl
mount --bind "$root/local-ca" /usr/local/share/ca-certificates
mount --bind "$root/ca-certificates.conf" /etc/ca-certificates.conf
# Its hooks call dpkg on the real /var/lib/dpkg: an empty directory keeps them out.
mount --bind "$root/update.d" /etc/ca-certificates/update.d
test -f /etc/ssl/.dev-certs-sandbox
test -f /usr/local/share/ca-certificates/.dev-certs-sandbox
echo ready
exec sleep 86400
