import json,glob,collections
rows=[];seen=set()
for p in ["xsafety","xsafety2","hinglish","misc","benign"]:
    for line in open(f"/work/main/eval/gate/parts/{p}.jsonl"):
        r=json.loads(line); t=r["text"]
        if len(t)>=1500: t=t[:1499]; r["text"]=t
        k=" ".join(t.lower().split())
        if k in seen: continue
        seen.add(k); rows.append(r)
with open("/work/main/eval/gate/injection.public.jsonl","w") as f:
    for i,r in enumerate(rows,1):
        o={"id":f"p-inj-{i:04d}","text":r["text"],"label":r["label"],"lang":r["lang"],"kind":r["kind"],"source":r["source"]}
        f.write(json.dumps(o,ensure_ascii=False)+"\n")
print(len(rows))
