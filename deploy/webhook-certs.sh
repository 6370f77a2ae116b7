#!/bin/sh
# webhook-certs.sh: the serving certificate of kubestride webhook on a cluster
# without cert-manager.
#
# It makes (once, kept in DIR) a CA, and a certificate that CA signs for the
# webhook's Service, stores the certificate and key in the TLS Secret the
# Deployment mounts (kubestride-webhook-tls) and sets the CA as the caBundle
# of every webhook of the ValidatingWebhookConfiguration. Run it after
# applying deploy/kubestride-webhook.yaml, and again before the certificate
# expires: the CA is kept, so the caBundle does not change, and the webhook
# reads the renewed Secret without a restart. Keep DIR private (it holds the
# CA's key), or delete it and let the next run make a new CA.
#
#   deploy/webhook-certs.sh [-d DIR] [-n NAMESPACE] [-s SERVICE] [-w WEBHOOKCONFIG] [-D DAYS] [-p]
#
#   -d DIR            where the CA and certificate are kept (default ./kubestride-webhook-certs)
#   -n NAMESPACE      the webhook's namespace (default kubestride-webhook)
#   -s SERVICE        the webhook's Service (default kubestride-webhook)
#   -w WEBHOOKCONFIG  the ValidatingWebhookConfiguration (default kubestride-webhook)
#   -D DAYS           validity of the serving certificate (default 365; the CA's is 10 years)
#   -p                print the caBundle (base64) instead of creating the Secret and patching
#
# It needs openssl and kubectl (the current context, or KUBECONFIG).
set -eu

dir=./kubestride-webhook-certs
ns=kubestride-webhook
svc=kubestride-webhook
vwc=kubestride-webhook
days=365
print=false
while getopts d:n:s:w:D:p opt; do
	case $opt in
	d) dir=$OPTARG ;;
	n) ns=$OPTARG ;;
	s) svc=$OPTARG ;;
	w) vwc=$OPTARG ;;
	D) days=$OPTARG ;;
	p) print=true ;;
	*) sed -n '2,25p' "$0" >&2; exit 2 ;;
	esac
done

umask 077
mkdir -p "$dir"
if [ ! -s "$dir/ca.key" ] || [ ! -s "$dir/ca.crt" ]; then
	openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key"
	openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=kubestride-webhook-ca" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$dir/ca.crt"
fi

cat >"$dir/tls.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$svc.$ns.svc,DNS:$svc.$ns.svc.cluster.local
EXT
openssl ecparam -name prime256v1 -genkey -noout -out "$dir/tls.key"
openssl req -new -key "$dir/tls.key" -subj "/CN=$svc.$ns.svc" -out "$dir/tls.csr"
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -sha256 \
	-days "$days" -extfile "$dir/tls.ext" -out "$dir/tls.crt" 2>/dev/null
openssl verify -CAfile "$dir/ca.crt" "$dir/tls.crt" >/dev/null

bundle=$(base64 <"$dir/ca.crt" | tr -d '\n')
if [ "$print" = true ]; then
	echo "$bundle"
	exit 0
fi

kubectl create secret tls kubestride-webhook-tls -n "$ns" --cert="$dir/tls.crt" --key="$dir/tls.key" \
	--dry-run=client -o yaml | kubectl apply --server-side --force-conflicts --field-manager=webhook-certs.sh -f -

# One JSON patch operation per webhook of the configuration.
count=$(kubectl get validatingwebhookconfiguration "$vwc" -o jsonpath='{range .webhooks[*]}x{end}')
if [ -z "$count" ]; then
	echo "webhook-certs.sh: validatingwebhookconfiguration $vwc has no webhook; apply deploy/kubestride-webhook.yaml first" >&2
	exit 1
fi
patch=""
i=0
while [ "$i" -lt "${#count}" ]; do
	patch="$patch${patch:+,}{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$bundle\"}"
	i=$((i + 1))
done
kubectl patch validatingwebhookconfiguration "$vwc" --type=json -p "[$patch]"
echo "secret $ns/kubestride-webhook-tls written; caBundle of validatingwebhookconfiguration $vwc set; serving certificate valid for $days days"
