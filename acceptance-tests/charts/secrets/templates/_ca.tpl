{{- define "secrets.ca" -}}
{{- if not (hasKey . "ca") -}}
{{- $_ := set . "ca" (genCA "test-ca" 1095) -}}
{{- end -}}
{{- end -}}
