{{- define "termin.name" -}}{{ .Release.Name }}-termin{{- end -}}
{{- define "termin.labels" -}}
app.kubernetes.io/name: termin
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
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
{{- if .Values.redis.passwordSecret.name }}
- {name: TERMIN_REDIS_PASSWORD_FILE, value: /etc/termin/redis/{{ .Values.redis.passwordSecret.key }}}
{{- end }}
{{- if .Values.redis.user }}
- {name: TERMIN_REDIS_USER, value: {{ .Values.redis.user | quote }}}
{{- end }}
{{- end -}}
{{- define "termin.redisSecretMount" -}}
{{- if .Values.redis.passwordSecret.name }}
- {name: redis-password, mountPath: /etc/termin/redis, readOnly: true}
{{- end }}
{{- end -}}
{{- define "termin.redisSecretVolume" -}}
{{- if .Values.redis.passwordSecret.name }}
- name: redis-password
  secret:
    secretName: {{ .Values.redis.passwordSecret.name }}
{{- end }}
{{- end -}}
