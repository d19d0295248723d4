{{- define "termin.name" -}}{{ .Release.Name }}-termin{{- end -}}
{{- define "termin.labels" -}}
app.kubernetes.io/name: termin
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "termin.redisUrl" -}}
{{- if .Values.redis.internal -}}redis://{{ include "termin.name" . }}-redis:6379{{- else -}}{{ .Values.redis.url }}{{- end -}}
{{- end -}}
