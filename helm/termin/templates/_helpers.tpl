{{- define "termin.name" -}}{{ .Release.Name }}-termin{{- end -}}
{{/* Labels of every object. */}}
{{- define "termin.labels" -}}
app.kubernetes.io/name: termin
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: termin
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}
{{/* Labels of one component's objects: (dict "root" $ "component" "api"). */}}
{{- define "termin.componentLabels" -}}
{{ include "termin.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
{{/* The selector of one component's pods: (dict "root" $ "component" "api"). */}}
{{- define "termin.selectorLabels" -}}
app.kubernetes.io/name: termin
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
{{/* The image, by digest when one is given, else by tag. */}}
{{- define "termin.image" -}}
{{- if .Values.image.digest -}}{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}
{{/* topologySpreadConstraints from a component's list: (dict "root" $ "component" "api" "spread" list). */}}
{{- define "termin.topologySpread" -}}
{{- range .spread }}
- maxSkew: {{ .maxSkew }}
  topologyKey: {{ .topologyKey }}
  whenUnsatisfiable: {{ .whenUnsatisfiable }}
  labelSelector:
    matchLabels: {{- include "termin.selectorLabels" $ | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
{{- end }}
{{- end -}}
{{/* The Secret that holds the Redis password, or "" for none. The bundled Redis always has
     one: the named existing Secret or the one this chart generates. */}}
{{- define "termin.redisPasswordSecret" -}}
{{- if .Values.redis.passwordSecret.name -}}{{ .Values.redis.passwordSecret.name }}
{{- else if .Values.redis.internal -}}{{ include "termin.name" . }}-redis-auth
{{- end -}}
{{- end -}}
{{- define "termin.redisPasswordKey" -}}
{{- if .Values.redis.passwordSecret.name -}}{{ .Values.redis.passwordSecret.key }}{{- else -}}password{{- end -}}
{{- end -}}
{{- define "termin.redisUrl" -}}
{{- if .Values.redis.internal -}}redis://{{ include "termin.name" . }}-redis:6379
{{- else -}}{{ required "redis.url is required when redis.internal=false (e.g. redis://user@redis-master.redis:6379/0; the password goes in redis.passwordSecret, never in the url)" .Values.redis.url }}
{{- end -}}
{{- end -}}
{{/* Pod security: numeric non-root user, no privilege, read-only root (docs/deploy.md). */}}
{{- define "termin.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65534
runAsGroup: 65534
fsGroup: 65534
seccompProfile: {type: RuntimeDefault}
{{- end -}}
{{- define "termin.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65534
runAsGroup: 65534
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities: {drop: [ALL]}
seccompProfile: {type: RuntimeDefault}
{{- end -}}
{{/* The Redis password as a mounted file (never in args or a ConfigMap). */}}
{{- define "termin.redisSecretEnv" -}}
{{- if include "termin.redisPasswordSecret" . }}
- {name: TERMIN_REDIS_PASSWORD_FILE, value: /etc/termin/redis/{{ include "termin.redisPasswordKey" . }}}
{{- end }}
{{- if .Values.redis.user }}
- {name: TERMIN_REDIS_USER, value: {{ .Values.redis.user | quote }}}
{{- end }}
{{- end -}}
{{- define "termin.redisSecretMount" -}}
{{- if include "termin.redisPasswordSecret" . }}
- {name: redis-password, mountPath: /etc/termin/redis, readOnly: true}
{{- end }}
{{- end -}}
{{- define "termin.redisSecretVolume" -}}
{{- if include "termin.redisPasswordSecret" . }}
- name: redis-password
  secret:
    secretName: {{ include "termin.redisPasswordSecret" . }}
    items: [{key: {{ include "termin.redisPasswordKey" . }}, path: {{ include "termin.redisPasswordKey" . }}}]
{{- end }}
{{- end -}}
{{/* NetworkPolicy egress both components need: DNS, and Redis (the bundled pod, or the external
       addresses and ports of networkPolicy.redis). */}}
{{- define "termin.egressCommon" -}}
- to:
    - namespaceSelector: {}
      podSelector:
        matchLabels: {k8s-app: kube-dns}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- if .Values.redis.internal }}
- to:
    - podSelector:
        matchLabels: {{- include "termin.selectorLabels" (dict "root" . "component" "redis") | nindent 10 }}
  ports:
    - {protocol: TCP, port: 6379}
{{- else }}
- {{- with .Values.networkPolicy.redis.to }}
  to: {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    {{- range .Values.networkPolicy.redis.ports }}
    - {protocol: TCP, port: {{ . }}}
    {{- end }}
{{- end }}
{{- end -}}
