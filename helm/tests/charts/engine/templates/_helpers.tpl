{{- define "engine.name" -}}
{{ .Values.name }}-{{ .Chart.Name }}
{{- end -}}
{{- define "engine.labels" -}}
app: {{ include "engine.name" . }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "engine.setup" -}}
{{- if not (hasKey . "shared") -}}
{{- $_ := set . "shared" (dict "counter" "first") -}}
{{- end -}}
{{- end -}}
